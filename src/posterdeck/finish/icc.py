"""What an ICC output profile says about itself (its description and colour space, read from
the profile), and whether that matches the output condition a print layout declares."""
from __future__ import annotations

# words that name each registered characterization in profile descriptions
CONDITION_WORDS = {
    "FOGRA39": ("FOGRA39", "ISO COATED V2", "COATED FOGRA39"),
    "FOGRA51": ("FOGRA51", "PSO COATED V3"),
    "FOGRA52": ("FOGRA52", "PSO UNCOATED V3"),
    "CGATS TR 001": ("SWOP", "TR 001", "TR001", "CGATS21"),
    "CGATS TR 006": ("GRACOL", "TR 006", "TR006"),
}


def describe(path) -> tuple[str, str]:
    """(description, colour space) of an ICC profile (a path or the profile's bytes):
    "Artifex CMYK SWOP Profile", "CMYK"."""
    import io

    from PIL import ImageCms

    profile = ImageCms.getOpenProfile(io.BytesIO(path) if isinstance(path, bytes) else path)
    return ImageCms.getProfileDescription(profile).strip(), profile.profile.xcolor_space.strip()


def profile_problem(profile, condition: str, label: str = "") -> str:
    """'' when the profile (a path or its bytes) is CMYK and its description fits ``condition``,
    else what is wrong. ``label``: how to name the profile (default: its path)."""
    label = label or f"ICC profile {profile}"
    try:
        description, space = describe(profile)
    except (OSError, ValueError) as exc:  # PIL's PyCMSError is an OSError
        return f"{label} cannot be read as an ICC profile: {exc}"
    if space != "CMYK":
        return f"{label} ({description!r}) is a {space or 'unknown'} profile, not CMYK"
    text = description.upper()
    named = [c for c, words in CONDITION_WORDS.items() if any(w in text for w in words)]
    wanted = CONDITION_WORDS.get(condition, (condition.upper(),))
    if any(w in text for w in wanted):
        return ""
    if named:
        return (f"{label} describes itself as {description!r} ({', '.join(named)}), "
                f"but the declared output condition is {condition}")
    return f"{label} describes itself as {description!r}, which does not name the declared output condition {condition}"
