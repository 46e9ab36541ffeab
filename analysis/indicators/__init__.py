"""Indicators: what researchers measure on the tables — timeliness, concreteness of measures, boilerplate, reuse, recurrence."""  # noqa: E501
