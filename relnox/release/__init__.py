"""The release pipeline and what surrounds it: doctor, tags, notes, rehearsals."""

from relnox.release.doctor import doctor
from relnox.release.pipeline import ReleaseOptions, ReleaseResult, release
from relnox.release.rehearse import rehearse

__all__ = ["ReleaseOptions", "ReleaseResult", "doctor", "rehearse", "release"]
