"""
Training privately: differentially private text classification
==============================================================

``make_text_classifier(dp_epsilon=...)`` trains with DP-SGD (per-example clipping,
Poisson-sampled batches, Gaussian noise calibrated with dp-accounting) behind a
feature map that learns nothing from the data (hashed words, no vocabulary or IDF
from the private text), so the guarantee covers the whole pipeline. A smaller
epsilon is a stronger guarantee and costs accuracy. Needs the ``privacy`` extra
(``pip install "skbig[privacy]"``). The noise comes from the operating system's
entropy, not from ``random_state``, so the scores move a little from run to run.
"""

# %%
import matplotlib.pyplot as plt

from skbig import make_text_classifier
from skbig.datasets import load_sms_spam

X_train, y_train = load_sms_spam(subset="train", return_X_y=True)
X_test, y_test = load_sms_spam(subset="test", return_X_y=True)

baseline = make_text_classifier(mlp__random_state=0).fit(X_train, y_train)
print(f"not private: accuracy {baseline.score(X_test, y_test):.4f}")

accuracy = {}
for epsilon in [1, 2, 8]:
    clf = make_text_classifier(dp_epsilon=epsilon, mlp__random_state=0)
    clf.fit(X_train, y_train)
    mlp = clf.named_steps["mlp"]
    accuracy[epsilon] = clf.score(X_test, y_test)
    print(f"epsilon {mlp.epsilon_:.2f}, delta {mlp.delta_:.1e}: accuracy "
          f"{accuracy[epsilon]:.4f} (noise multiplier {mlp.noise_multiplier_:.2f}, "
          f"{mlp.steps_} steps)")  # fmt: skip

# %%
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(list(accuracy), list(accuracy.values()), "o-", label="private")
ax.axhline(baseline.score(X_test, y_test), color="grey", ls="--", label="not private")
ax.set_xscale("log", base=2)
ax.set_xlabel("epsilon")
ax.set_ylabel("test accuracy")
ax.legend()
fig.tight_layout()
