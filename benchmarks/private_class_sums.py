"""Probe: private text classifiers from one noisy release of the class sums.

The private pipeline's features (hashed words, sublinear tf, l2: every row has
norm 1) summed per class are a query with L2 sensitivity 1, so one Gaussian
mechanism releases all of them at once, where DP-SGD pays for ~120 noisy steps.
Two uses of that release, scored on 20 % of the training split held out
(stratified, seed 0; never test), beside today's DP-SGD at the same epsilon:

- ``one-shot``: a naive Bayes classifier from the noisy sums (negative sums set
  to 0, plus ``alpha`` x sigma; "nb" multinomial, "cnb" complement), the whole
  epsilon spent on the release (sigma from dp-accounting's PLD accountant);
- ``init``: half the epsilon (PLD, on its own) on the release, whose naive Bayes
  log-probabilities (centred over classes) start the linear network; DP-SGD
  then trains at the noise that keeps the composition at epsilon (dp-accounting's
  RDP accountant over both events). This patches skbig's private fit for the
  run (``noise_for``, ``epsilon_of``, ``PrivateTrainer.train``); nothing of it is
  in skbig.

    python benchmarks/private_class_sums.py --corpora 20ng sms_spam mr \\
        --epsilons 8 2 1
    python benchmarks/private_class_sums.py --corpora 20ng --test --one-shot

``--test`` scores on the test split instead (after the choice, never for it);
``--one-shot`` skips the DP-SGD fits.
"""

import argparse

import numpy as np
from _worker import DATA_DIR
from corpora import load_corpus
from privacy import held_out


def sigma_alone(epsilon, delta):
    import dp_accounting as dpa

    return float(
        dpa.calibrate_dp_mechanism(
            dpa.pld.PLDAccountant, dpa.GaussianDpEvent, epsilon, delta
        )
    )


def class_sums(T, y, n_classes, sigma, rng):
    sums = np.stack([np.asarray(T[y == c].sum(0)).ravel() for c in range(n_classes)])
    return sums + rng.normal(0, sigma, sums.shape)


def naive_bayes(sums, alpha, complement=False):
    counts = np.maximum(sums, 0) + alpha
    if not complement:
        return np.log(counts / counts.sum(1, keepdims=True))
    other = counts.sum(0, keepdims=True) - counts
    weights = -np.log(other / other.sum(1, keepdims=True))
    return weights / np.abs(weights).sum(1, keepdims=True)


def one_shot(corpus, T, y, T_val, y_val, epsilons, rng):
    n_classes = int(y.max()) + 1
    delta = 1 / (10 * T.shape[0])
    for epsilon in epsilons:
        sigma = sigma_alone(epsilon, delta)
        sums = class_sums(T, y, n_classes, sigma, rng)
        for kind in ("nb", "cnb"):
            for alpha in (0.1, 0.3):
                W = naive_bayes(sums, alpha * sigma, complement=kind == "cnb")
                acc = np.mean(np.asarray(T_val @ W.T).argmax(1) == y_val)
                print(
                    f"| {corpus} | {epsilon:g} | one-shot {kind}, alpha {alpha} sigma "
                    f"(sigma {sigma:.2f}) | {acc:.4f} |",
                    flush=True,
                )


def patch_for_init(state):
    """Make skbig's private fit start from the noisy naive Bayes weights."""
    import dp_accounting as dpa

    from skbig import _privacy
    from skbig._network import private
    from skbig._runtime import quiet

    def event(sigma, q, steps):
        sgd = dpa.SelfComposedDpEvent(
            dpa.PoissonSampledDpEvent(q, dpa.GaussianDpEvent(sigma)), steps
        )
        if not state.get("sigma"):
            return sgd
        return dpa.ComposedDpEvent([sgd, dpa.GaussianDpEvent(state["sigma"])])

    def noise_for(epsilon, delta, q, steps):
        with quiet():
            return float(
                dpa.calibrate_dp_mechanism(
                    dpa.rdp.RdpAccountant, lambda s: event(s, q, steps), epsilon, delta
                )
            )

    def epsilon_of(sigma, q, steps, delta):
        accountant = dpa.rdp.RdpAccountant()
        accountant.compose(event(sigma, q, steps))
        with quiet():
            return float(accountant.get_epsilon(delta))

    train = private.PrivateTrainer.train

    def train_from_sums(self, X, y, sample_weight, steps, seed, on_epoch=None):
        if state.get("sigma"):
            n_classes = self.layers[-1].kernel.shape[1]
            y_int = np.asarray(y).astype(int).ravel()
            sums = class_sums(X, y_int, n_classes, state["sigma"], state["rng"])
            W = naive_bayes(sums, 0.3 * state["sigma"])
            W -= W.mean(0, keepdims=True)
            self.layers[-1].kernel.assign(W.T.astype(np.float32))
        return train(self, X, y, sample_weight, steps, seed, on_epoch)

    _privacy.noise_for, _privacy.epsilon_of = noise_for, epsilon_of
    private.PrivateTrainer.train = train_from_sums


def with_init(corpus, T, y, T_val, y_val, epsilons, rng):
    import skbig

    state = {"rng": rng}
    patch_for_init(state)
    delta = 1 / (10 * T.shape[0])
    for epsilon in epsilons:
        for fit in (0, 1):
            for start in ("DP-SGD alone", "init from half-epsilon sums"):
                state["sigma"] = (
                    sigma_alone(epsilon / 2, delta) if start.startswith("init") else 0
                )
                mlp = skbig.make_text_classifier(
                    dp_epsilon=epsilon, mlp__random_state=fit
                )[-1].fit(T, y)
                acc = np.mean(mlp.predict(T_val) == y_val)
                print(
                    f"| {corpus} | {epsilon:g} | {start}, fit {fit} (sums sigma "
                    f"{state['sigma']:.2f}, DP-SGD sigma {mlp.noise_multiplier_:.2f}, "
                    f"epsilon_ {mlp.epsilon_:.2f}) | {acc:.4f} |",
                    flush=True,
                )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=DATA_DIR)
    parser.add_argument("--corpora", nargs="+", default=["20ng", "sms_spam", "mr"])
    parser.add_argument("--epsilons", nargs="+", type=float, default=[8, 2, 1])
    parser.add_argument("--test", action="store_true")
    parser.add_argument("--one-shot", action="store_true")
    args = parser.parse_args()
    from sklearn.preprocessing import LabelEncoder

    import skbig

    features = skbig.make_text_classifier(dp_epsilon=1.0)[:-1]
    scored = "test" if args.test else "validation"
    print(f"| corpus | epsilon | classifier | {scored} accuracy |")
    print("|---|---:|---|---:|")
    for corpus in args.corpora:
        X, y, X_test, y_test = load_corpus(corpus, args.data_dir)
        labels = LabelEncoder().fit(y)
        y = labels.transform(y)
        if args.test:
            X_val, y_val = X_test, labels.transform(y_test)
        else:
            X, X_val, y, y_val = held_out(X, y)
        T, T_val = features.fit_transform(X), features.transform(X_val)
        rng = np.random.default_rng(0)
        one_shot(corpus, T, y, T_val, y_val, args.epsilons, rng)
        if not args.one_shot:
            with_init(corpus, T, y, T_val, y_val, args.epsilons, rng)


if __name__ == "__main__":
    main()
