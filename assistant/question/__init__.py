"""The question frame: a question read once (named things, attribute, days, kinds, answer type)."""

from assistant.question.dates import DateWindow, date_expressions, parse_question_dates
from assistant.question.frame import Attribute, Question, parse_question

__all__ = [
    "Attribute",
    "DateWindow",
    "Question",
    "date_expressions",
    "parse_question",
    "parse_question_dates",
]
