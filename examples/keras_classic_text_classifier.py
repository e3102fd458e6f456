"""
The classic Keras text classifier, as an skbig pipeline
=======================================================

The Keras tutorial network: a 1,000-dimensional input, ``Dense(64, relu)``,
``Dense(1, sigmoid)``, Adam, binary cross-entropy, 10 epochs of batch 32, watched on
validation data, then accuracy and recall on a test set. In skbig the input is a
TF-IDF vectorizer limited to 1,000 terms and the rest is MLPClassifier parameters; a
binary target gets the single sigmoid output and binary cross-entropy automatically.
"""

# %%
from sklearn.metrics import accuracy_score, recall_score

from skbig import make_text_classifier
from skbig.datasets import load_sms_spam

X_train, y_train = load_sms_spam(subset="train", return_X_y=True)
X_test, y_test = load_sms_spam(subset="test", return_X_y=True)

clf = make_text_classifier(
    tfidf__max_features=1000,  # Input(1000)
    mlp__hidden_layer_sizes=(64,),  # Dense(64, activation="relu")
    mlp__activation="relu",
    mlp__dropout=0.0,
    mlp__optimizer="adam",
    mlp__learning_rate_init=1e-3,
    mlp__epochs=10,
    mlp__batch_size=32,
    # Validation data: 20 % of the training set, shuffled and stratified, scored after
    # every epoch. Patience equal to the epochs means all 10 epochs run; the weights of
    # the best validation epoch are kept.
    mlp__early_stopping=True,
    mlp__validation_fraction=0.2,
    mlp__n_iter_no_change=10,
    mlp__refit=False,  # keep that network rather than retrain on all the data
    mlp__class_weight=None,  # Keras weighs every sample alike
    mlp__verbose=0,
    mlp__random_state=0,
)
clf.fit(X_train, y_train)

# %%
mlp = clf.named_steps["mlp"]
print("validation accuracy per epoch:", [round(s, 4) for s in mlp.validation_scores_])
y_pred = clf.predict(X_test)
print(f"test accuracy: {accuracy_score(y_test, y_pred):.4f}")
print(f"test recall (spam): {recall_score(y_test, y_pred, pos_label='spam'):.4f}")
