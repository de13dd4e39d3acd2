"""Fields Uptrends' schemas define on the objects we share that we do not act on (DESIGN §3).

A client written for Uptrends sends them; each object accepts and ignores its list (`ApiModel.uptrends_only`)
and refuses any other unknown field. The README's "Config API" section lists them.
"""

from __future__ import annotations

MONITOR_UPTRENDS_ONLY = frozenset(
    [
        "AlertOnLoadTimeLimit1",
        "AlertOnLoadTimeLimit2",
        "AlertOnMaximumBytes",
        "AlertOnMaximumSize",
        "AlertOnMinimumBytes",
        "AlertOnPercentageFail",
        "AuthenticationType",
        "BlockGoogleAnalytics",
        "BlockUptrendsRum",
        "BlockUrls",
        "BrowserType",
        "BrowserWindowDimensions",
        "CertificateExpirationWarningDays",
        "CertificateFingerprint",
        "CertificateIssuerCompanyName",
        "CertificateIssuerName",
        "CertificateIssuerOrganizationalUnit",
        "CertificateName",
        "CertificateOrganization",
        "CertificateOrganizationalUnit",
        "CertificateSerialNumber",
        "CheckCertificateErrors",
        "CheckInterval",
        "ConcurrentConfirmedErrorThreshold",
        "ConcurrentUnconfirmedErrorThreshold",
        "Credits",
        "CustomMetrics",
        "DatabaseName",
        "DnsBypasses",
        "DnsExpectedResult",
        "DnsQuery",
        "DnsServer",
        "DnsTestValue",
        "DomainGroupGuid",
        "DomainGroupGuidSpecified",
        "ElementMaximumSize",
        "ErrorConditions",
        "ExpectedHttpStatusCode",
        "ExpectedHttpStatusCodeSpecified",
        "FailedObjectPercentage",
        "Hash",
        "HttpMethod",
        "IgnoreExternalElements",
        "ImapSecureConnection",
        "IpVersion",
        "IsLocked",
        "LoadTimeLimit1",
        "LoadTimeLimit2",
        "MatchPatterns",
        "MaximumBytes",
        "MinimumBytes",
        "MonitorMode",
        "MsaSteps",
        "MultiStepApiTransactionScript",
        "NameForPhoneAlerts",
        "NetworkAddress",
        "Password",
        "Port",
        "PredefinedVariables",
        "RequestBody",
        "RequestHeaders",
        "SelectedCheckpoints",
        "SelfServiceTransactionScript",
        "SftpAction",
        "SftpActionPath",
        "ThrottlingOptions",
        "TlsVersion",
        "TransactionStepDefinition",
        "UseConcurrentMonitoring",
        "UsePrimaryCheckpointsOnly",
        "UserAgent",
        "UserDefinedFunctions",
        "Username",
    ]
)
MONITOR_GROUP_UPTRENDS_ONLY = frozenset(
    [
        "ApiMonitorQuota",
        "BasicMonitorQuota",
        "BrowserMonitorQuota",
        "ClassicQuota",
        "IsQuotaUnlimited",
        "TransactionMonitorQuota",
    ]
)
INTEGRATION_UPTRENDS_ONLY = frozenset(
    {"ExtraEmailAddresses", "Hash", "IntegrationServices", "StatusHubServiceList"}
)
OPERATOR_UPTRENDS_ONLY = frozenset(
    [
        "AllowNativeLogin",
        "AllowNativeLoginSpecified",
        "AllowSingleSignon",
        "AllowSingleSignonSpecified",
        "BackupEmail",
        "CultureName",
        "CultureNameSpecified",
        "DefaultDashboard",
        "Hash",
        "IsAccountAdministrator",
        "OutgoingPhoneNumberId",
        "OutgoingPhoneNumberIdSpecified",
        "Password",
        "SetupMode",
        "SmsProvider",
        "TimeZoneId",
        "TimeZoneIdSpecified",
        "UseNumericSender",
        "UseNumericSenderSpecified",
    ]
)
HASH_ONLY = frozenset({"Hash"})
