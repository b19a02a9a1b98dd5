"""Phone numbers as every service stores and compares them: E.164 (``+8613800138000``)."""

import phonenumbers

_MAX_INPUT = 40  # the longest formatted number anybody types, with spaces and dashes


def e164(text: str) -> str:
    """``text`` in E.164, or ValueError saying why it is not a phone number.

    Only the international form (``+<country code> …``) is accepted: a national number
    (``139 0000 0000``, ``8 916 …``) means a different line in every country, and a
    submission does not say which country it comes from."""
    text = text.strip()
    if len(text) > _MAX_INPUT:
        raise ValueError(f"a phone number has at most {_MAX_INPUT} characters")
    if not text.startswith("+"):
        raise ValueError("a phone number starts with + and its country code, e.g. +86 139 …")
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException as error:
        raise ValueError(f"not a phone number: {error}") from error
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid phone number for its country code")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
