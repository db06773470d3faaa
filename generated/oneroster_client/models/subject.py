from typing import Literal

Subject = Literal[
    "FastMath", "Language", "Math", "None", "Other", "Reading", "Science", "Social Studies", "Vocabulary", "Writing"
]

SUBJECT_VALUES: set[Subject] = {
    "FastMath",
    "Language",
    "Math",
    "None",
    "Other",
    "Reading",
    "Science",
    "Social Studies",
    "Vocabulary",
    "Writing",
}


def check_subject(value: str) -> Subject:
    if value in SUBJECT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SUBJECT_VALUES!r}")
