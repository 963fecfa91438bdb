"""Korean: the words of every picture, in the course deck's terms (역전파, 기울기, 과적합,
조기 종료, 정규화, 배치 정규화, 레이어 정규화, 퍼셉트론, 순환 신경망, ...).

Keys are the English the code writes (``autograd.language.tr``); ``{name}`` fields stay
as they are. The math is never translated.
"""

WORDS: dict[str, str] = {
    "epoch {epoch}": "에포크 {epoch}",
}
