"""SQS: the delivery queue with its dead letters, and the evaluator's dead-letter queue."""
