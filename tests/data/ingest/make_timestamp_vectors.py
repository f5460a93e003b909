"""Writes timestamp_vectors.tsv: log timestamps with the microseconds Python computes for them.

Run once with the project's Python (3.11+): `python make_timestamp_vectors.py > timestamp_vectors.tsv`.
Each line is `kind<TAB>text<TAB>expected`, kind `iso` or `epoch`, expected the microseconds since
the epoch (UTC) or `invalid`. ISO strings are decided by datetime.fromisoformat (which truncates
fraction digits past six, like floe); epoch seconds by decimal.Decimal, floored to microseconds.
Both keep floe's range, 0001-01-01T00:00:00Z through 9999-12-31T23:59:59.999999Z. Only forms
within floe's grammar are generated, so the oracle decides every line.
"""

import random
from datetime import datetime, timedelta, timezone
from decimal import ROUND_FLOOR, Decimal, getcontext

MIN_US = -62135596800 * 10**6
MAX_US = 253402300799 * 10**6 + 999999
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
rng = random.Random(20250708)
getcontext().prec = 200


def in_range(us):
    return MIN_US <= us <= MAX_US


def iso_case(valid_bias):
    year = rng.choice([rng.randint(1, 9999), rng.randint(1960, 2100), 1, 9999, 1970, 0])
    if valid_bias:
        month, hour, minute, second = (rng.randint(1, 12), rng.randint(0, 23), rng.randint(0, 59),
                                       rng.randint(0, 59))
        day = rng.randint(1, 31 if month != 2 else 29)
    else:
        month, day = rng.randint(0, 13), rng.randint(0, 32)
        hour, minute, second = rng.randint(0, 24), rng.randint(0, 60), rng.randint(0, 60)
    text = f"{year:04d}-{month:02d}-{day:02d}{rng.choice('T ')}{hour:02d}:{minute:02d}:{second:02d}"
    digits = rng.choice([0, 0, 1, 2, 3, 3, 6, 6, 7, 8, 9, 9])
    if digits:
        text += "." + "".join(rng.choice("0123456789") for _ in range(digits))
    zone = rng.choice(["", "Z", "colon", "compact"])
    if zone == "Z":
        text += "Z"
    elif zone:
        oh = rng.choice([0, 0, 1, 5, 9, 14, 23, rng.randint(0, 23)])
        om = rng.choice([0, 0, 30, 45, 59, rng.randint(0, 59)])
        sep = ":" if zone == "colon" else ""
        text += f"{rng.choice('+-')}{oh:02d}{sep}{om:02d}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return text, "invalid"
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    us = (parsed - EPOCH) // timedelta(microseconds=1)
    return text, str(us) if in_range(us) else "invalid"


def epoch_case():
    sign = rng.choice(["", "", "-"])
    int_part = rng.choice(["0", str(rng.randint(1, 9)), str(rng.randint(0, 2**34)),
                           str(rng.randint(1, 10**12)), "1751997163"])
    text = sign + int_part
    if rng.random() < 0.7:
        text += "." + "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 14)))
    if rng.random() < 0.3:
        text += rng.choice("eE") + rng.choice(["", "+", "-"]) + str(rng.randint(0, 12))
    value = Decimal(text)
    us = int((value * 10**6).to_integral_value(rounding=ROUND_FLOOR))
    return text, str(us) if in_range(us) else "invalid"


def main():
    rows = []
    for i in range(300):
        text, expected = iso_case(valid_bias=i % 3 != 0)
        rows.append(("iso", text, expected))
    for _ in range(300):
        text, expected = epoch_case()
        rows.append(("epoch", text, expected))
    for kind, text, expected in rows:
        print(f"{kind}\t{text}\t{expected}")


if __name__ == "__main__":
    main()
