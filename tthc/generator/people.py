"""Fake applicants. Realistic enough to prove that personal data stops at staging."""

from __future__ import annotations

import numpy as np

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Điểu", "Thị"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Kim", "Xuân"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến"]


def applicants(rng: np.random.Generator, n: int, addresses: np.ndarray) -> dict[str, np.ndarray]:
    names = (
        rng.choice(FAMILY, n).astype(object) + " " + rng.choice(MIDDLE, n).astype(object) + " " + rng.choice(GIVEN, n).astype(object)
    )
    # Citizen ID: province-of-birth code 070, sex/century digit, two-digit birth year, six digits.
    ids = np.char.add(
        np.char.add("070", rng.integers(0, 4, n).astype(str)),
        np.char.add(np.char.zfill(rng.integers(40, 100, n).astype(str), 2), np.char.zfill(rng.integers(0, 10**6, n).astype(str), 6)),
    )
    phones = np.char.add(rng.choice(["09", "03", "08"], n), np.char.zfill(rng.integers(0, 10**8, n).astype(str), 8))
    return {"applicant_name": names, "applicant_id_number": ids, "applicant_phone": phones, "applicant_address": addresses}
