"""What ``skbig.explain.explain_text`` returns: one document's terms, weighted."""

import html
import re
from dataclasses import dataclass, field

from ._documents import DEFAULT_TOKEN_PATTERN


@dataclass
class Explanation:
    """The terms of one document, weighted by how much they raised one class (or,
    for a regressor, the number it predicts).

    Attributes
    ----------
    text : str
        The document.
    target : object
        The class explained (a regressor's: the output's index, None when it has
        one output).
    probability : float
        The model's probability for ``target`` on ``text``; a regressor's
        prediction (``quantity`` is then ``"prediction"``).
    baseline : float
        The same on an empty document; the weights of all the document's terms
        sum to ``probability - baseline``.
    terms : list of (str, float)
        The ``top_k`` terms with the largest absolute weights, largest first;
        positive weights raised the probability of ``target`` (the prediction).
    all_terms : dict of str to float
        Every term of the document that the vectorizer kept, with its weight.
    quantity : {"probability", "prediction"}
        What ``probability`` and ``baseline`` are.
    """

    text: str
    target: object
    probability: float
    baseline: float
    terms: list
    all_terms: dict = field(repr=False)
    token_pattern: str = field(default=DEFAULT_TOKEN_PATTERN, repr=False)
    lowercase: bool = field(default=True, repr=False)
    quantity: str = "probability"

    def word_weights(self):
        """``(start, end, weight)`` for each word of ``text`` that carries a weight.

        An n-gram's weight is shared equally among its words.
        """
        per_word = {}
        for term, weight in self.all_terms.items():
            words = term.split()
            for word in words:
                per_word[word] = per_word.get(word, 0.0) + weight / len(words)
        spans = []
        for match in re.finditer(self.token_pattern, self.text):
            word = match.group(0).lower() if self.lowercase else match.group(0)
            if word in per_word:
                spans.append((match.start(), match.end(), per_word[word]))
        return spans

    def to_html(self):
        """The text with each word's background green (raised) or red (lowered)."""
        spans = self.word_weights()
        scale = max((abs(w) for _, _, w in spans), default=0.0) or 1.0
        parts, position = [], 0
        for start, end, weight in spans:
            parts.append(html.escape(self.text[position:start]))
            alpha = min(abs(weight) / scale, 1.0)
            color = (
                f"rgba(0, 160, 0, {alpha:.2f})"
                if weight > 0
                else (f"rgba(220, 0, 0, {alpha:.2f})")
            )
            parts.append(
                f'<span style="background-color: {color}" '
                f'title="{weight:+.4f}">{html.escape(self.text[start:end])}</span>'
            )
            position = end
        parts.append(html.escape(self.text[position:]))
        target, said = self._headline(": ")
        name = "" if target is None else f"<b>{html.escape(str(target))}</b>: "
        header = f"<p>{name}{html.escape(said)}</p>"
        return f'<div class="skbig-explanation">{header}<p>{"".join(parts)}</p></div>'

    def _repr_html_(self):
        return self.to_html()

    def _headline(self, empty_sep=" "):
        """``(target, "probability p (empty document b)")``; a regressor's single
        output has no target and says ``prediction``."""
        if self.quantity == "probability":
            value, baseline = f"{self.probability:.3f}", f"{self.baseline:.3f}"
        else:
            value, baseline = f"{self.probability:.6g}", f"{self.baseline:.6g}"
        return self.target, (
            f"{self.quantity} {value} (empty document{empty_sep}{baseline})"
        )

    def to_text(self):
        """A plain rendering for terminals: one term per line with a bar."""
        target, said = self._headline()
        lines = [said if target is None else f"{target}: {said}"]
        scale = max((abs(w) for _, w in self.terms), default=0.0) or 1.0
        width = max((len(t) for t, _ in self.terms), default=0)
        for term, weight in self.terms:
            bar = ("+" if weight > 0 else "-") * max(1, round(20 * abs(weight) / scale))
            lines.append(f"  {term:<{width}}  {weight:+.4f}  {bar}")
        return "\n".join(lines)

    def __str__(self):
        return self.to_text()


# Its public home: pickles name ``skbig.explain``, not this module.
Explanation.__module__ = "skbig.explain"
