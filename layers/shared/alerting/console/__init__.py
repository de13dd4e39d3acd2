"""The web console (DESIGN §11): server-rendered pages over the config API's own facade.

`views` and its page modules turn a request into a `Reply` (a page or a redirect); `forms` reads HTML
forms into the API's models and words the API's errors per field; `rendering` owns Jinja2 and the
console's look; `replies` owns the headers every answer carries (CSP, CSRF cookie).
"""
