"""Tests of the Hugging Face Trainer integration of unskew.text (tiny random BERT, CPU, no
network): the accumulation-exact loss, the sampler hook, the callbacks, the double-correction
warning and the compute_loss fallback."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("accelerate", reason="transformers' Trainer needs accelerate")

import transformers  # noqa: E402
from torch.utils.data import DataLoader  # noqa: E402
from transformers import Trainer  # noqa: E402

from tiny_bert import tiny_model, token_rows, training_args  # noqa: E402
from unskew.losses import drw_weights  # noqa: E402
from unskew.samplers import ClassBalancedSampler  # noqa: E402
from unskew.text import (  # noqa: E402
    DoubleCorrectionWarning,
    ImbalancedTrainer,
    ProgressiveSamplingCallback,
    TrainerLoss,
    dataset_labels,
    use_sampler,
)
from unskew.text import _trainer as trainer_module  # noqa: E402

# 16 rows, skewed, with the two halves of very different class make-up (and weight sums)
LABELS = [0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 2, 2, 1, 2, 0, 2]
COUNTS = [900, 90, 10]

LOSS_CASES = {
    "ce": ("ce", {}),
    "ce-weighted": ("ce", {"weight": "balanced"}),
    "focal": ("focal", {"gamma": 2.0}),
    "class-balanced": ("class-balanced", {"beta": 0.999}),
    "class-balanced-focal": ("class-balanced", {"base": "focal"}),
    "ldam": ("ldam", {}),
    "logit-adjusted": ("logit-adjusted", {}),
    "balanced-softmax": ("balanced-softmax", {}),
    "adaptive-focal": ("adaptive-focal", {}),
}


def _first_grad_norm(tmp_path, loss, params, *, batch, accumulation, labels=LABELS,
                     num_labels=3, problem_type=None, trainer_cls=ImbalancedTrainer, **extra):
    kw = {} if problem_type is None else {"problem_type": problem_type}
    model = tiny_model(num_labels, **kw)
    args = training_args(tmp_path / f"run{batch}x{accumulation}", per_device_train_batch_size=batch,
                         gradient_accumulation_steps=accumulation, max_steps=1,
                         max_grad_norm=1e9)
    if trainer_cls is ImbalancedTrainer:
        trainer = ImbalancedTrainer(model=model, args=args, train_dataset=token_rows(labels),
                                    loss=loss, loss_params=params, class_counts=COUNTS, **extra)
    else:
        trainer = trainer_cls(model=model, args=args, train_dataset=token_rows(labels), **extra)
    trainer.train()
    return next(h["grad_norm"] for h in trainer.state.log_history if "grad_norm" in h)


@pytest.mark.parametrize("case", list(LOSS_CASES), ids=list(LOSS_CASES))
def test_trainer_loss_accumulation_matches_one_big_batch(tmp_path, case):
    """Check that every unskew loss gives the first-step gradient norm of 16 x 1 at 8 x 2."""
    loss, params = LOSS_CASES[case]
    accumulated = _first_grad_norm(tmp_path, loss, params, batch=8, accumulation=2)
    whole = _first_grad_norm(tmp_path, loss, params, batch=16, accumulation=1)
    assert accumulated == pytest.approx(whole, rel=0.01)


def test_trainer_loss_accumulation_multilabel_asymmetric(tmp_path):
    """Check that the multi-label asymmetric loss is accumulation-exact too (per label entry)."""
    labels = [[1, 0, 0]] * 7 + [[0, 1, 1]] * 2 + [[1, 1, 0]] * 3 + [[0, 0, 1]] * 4
    kw = dict(labels=labels, problem_type="multi_label_classification")
    accumulated = _first_grad_norm(tmp_path, "asymmetric", {}, batch=8, accumulation=2, **kw)
    whole = _first_grad_norm(tmp_path, "asymmetric", {}, batch=16, accumulation=1, **kw)
    assert accumulated == pytest.approx(whole, rel=0.01)


def test_batch_mean_loss_breaks_accumulation(tmp_path):
    """Check that the equivalence test can fail: a weighted batch mean as compute_loss_func
    does not give the 16 x 1 gradient at 8 x 2 (what TrainerLoss's sum / N avoids)."""
    criterion = TrainerLoss("ce", class_counts=COUNTS, weight="balanced").criterion

    def batch_mean(outputs, labels, num_items_in_batch=None):
        return criterion(outputs["logits"], labels)

    norms = [_first_grad_norm(tmp_path, None, None, batch=b, accumulation=a, trainer_cls=Trainer,
                              compute_loss_func=batch_mean) for b, a in ((8, 2), (16, 1))]
    assert abs(norms[0] - norms[1]) / norms[1] > 0.05


def test_trainer_loss_is_sum_over_num_items():
    """Check that TrainerLoss divides the summed per-row loss by num_items_in_batch, and by the
    batch's own count of labels that are not -100 when none is given."""
    loss = TrainerLoss("ce", class_counts=[3, 1], weight="balanced")
    logits = torch.tensor([[1.0, 0.0], [0.0, 2.0], [0.5, 0.5], [3.0, 1.0]])
    labels = torch.tensor([0, 1, -100, 1])
    weight = torch.tensor([4 / 6, 4 / 2])
    rows = torch.nn.functional.cross_entropy(logits, labels, weight=weight, reduction="none")
    assert loss({"logits": logits}, labels, num_items_in_batch=torch.tensor(10)) == \
        pytest.approx(float(rows.sum() / 10), rel=1e-6)
    assert loss({"logits": logits}, labels) == pytest.approx(float(rows.sum() / 3), rel=1e-6)
    assert loss.criterion.reduction == "mean"  # restored after the call


def test_trainer_loss_rejects_bad_input():
    """Check that TrainerLoss names the fix for an unknown loss, a module with parameters and
    missing labels."""
    with pytest.raises(ValueError, match="did you mean 'focal'"):
        TrainerLoss("focla")
    with pytest.raises(TypeError, match="set them on the module"):
        TrainerLoss(torch.nn.CrossEntropyLoss(), gamma=2)
    with pytest.raises(ValueError, match="rename the dataset's label column to 'labels'"):
        TrainerLoss("ce")({"logits": torch.zeros(2, 2)}, None)


@pytest.mark.parametrize("case", ["ce", "class-balanced", "logit-adjusted"])
def test_compute_loss_fallback_without_compute_loss_func(tmp_path, monkeypatch, case):
    """Check that where Trainer has no compute_loss_func, ImbalancedTrainer's compute_loss
    override computes the same loss, accumulation-exact."""
    monkeypatch.setattr(trainer_module, "HAS_COMPUTE_LOSS_FUNC", False)
    loss, params = LOSS_CASES[case]
    norms = []
    for b, a in ((8, 2), (16, 1)):
        model = tiny_model(3)
        args = training_args(tmp_path / f"f{b}", per_device_train_batch_size=b,
                             gradient_accumulation_steps=a, max_steps=1, max_grad_norm=1e9)
        trainer = ImbalancedTrainer(model=model, args=args, train_dataset=token_rows(LABELS),
                                    loss=loss, loss_params=params, class_counts=COUNTS)
        assert trainer.compute_loss_func is None
        trainer.train()
        norms.append(next(h["grad_norm"] for h in trainer.state.log_history if "grad_norm" in h))
    monkeypatch.undo()
    reference = _first_grad_norm(tmp_path, loss, params, batch=16, accumulation=1)
    assert norms[0] == pytest.approx(norms[1], rel=0.01)
    assert norms[1] == pytest.approx(reference, rel=1e-4)


def test_trainer_counts_classes_from_the_dataset(tmp_path):
    """Check that ImbalancedTrainer counts the classes of train_dataset for a count-based loss,
    and says which class is missing."""
    args = training_args(tmp_path, max_steps=1)
    rows = token_rows([0, 0, 0, 1, 2, 2])
    trainer = ImbalancedTrainer(model=tiny_model(3), args=args, train_dataset=rows,
                                loss="balanced-softmax")
    assert trainer.class_counts_ == [3, 1, 2]
    assert trainer.loss_.criterion.class_counts.tolist() == [3, 1, 2]
    with pytest.raises(ValueError, match="class 1 has no training row"):
        ImbalancedTrainer(model=tiny_model(3), args=args, train_dataset=token_rows([0, 2, 2]),
                          loss="ldam")


# -- sampler -------------------------------------------------------------------------------------

SKEWED = [0] * 90 + [1] * 10


def test_sampler_hook_serves_both_signatures(tmp_path):
    """Check that the _get_train_sampler override answers the old (self) and the new
    (self, train_dataset) call, with the trainer's dataset or the one passed."""
    rows = token_rows(SKEWED)
    trainer = ImbalancedTrainer(model=tiny_model(2), args=training_args(tmp_path, max_steps=1),
                                train_dataset=rows, sampler="class-balanced")
    old = trainer._get_train_sampler()
    new = trainer._get_train_sampler(rows[80:])
    assert isinstance(old, ClassBalancedSampler)
    assert isinstance(new, ClassBalancedSampler)
    assert old.class_counts.tolist() == [90, 10]
    assert new.class_counts.tolist() == [10, 10]
    assert old.class_probabilities().tolist() == [0.5, 0.5]


def test_sampler_hook_runs_under_the_old_call(tmp_path):
    """Check that training runs when the Trainer calls _get_train_sampler() with no dataset
    (transformers <= 4.51), and that an override of that old signature crashes where the
    dataset is passed (>= 4.52), which is why the hook takes both."""

    class OldStyleLoader(ImbalancedTrainer):
        def get_train_dataloader(self):
            sampler = self._get_train_sampler()
            return DataLoader(self.train_dataset, batch_size=8, sampler=sampler,
                              collate_fn=self.data_collator)

    trainer = OldStyleLoader(model=tiny_model(2), args=training_args(tmp_path, max_steps=2),
                             train_dataset=token_rows(SKEWED), sampler="sqrt")
    trainer.train()
    assert trainer.state.global_step == 2
    assert trainer.train_sampler_.mode == "sqrt"

    class OldOverride(Trainer):
        def _get_train_sampler(self):
            return None

    legacy = OldOverride(model=tiny_model(2), args=training_args(tmp_path, max_steps=1),
                         train_dataset=token_rows(SKEWED))
    if "train_dataset" in __import__("inspect").signature(Trainer._get_train_sampler).parameters:
        with pytest.raises(TypeError):
            legacy.train()


def test_use_sampler_balances_a_stock_trainer(tmp_path):
    """Check that use_sampler makes a plain Trainer draw class-balanced batches."""
    trainer = Trainer(model=tiny_model(2), args=training_args(tmp_path, max_steps=1,
                                                              per_device_train_batch_size=50),
                      train_dataset=token_rows(SKEWED))
    assert use_sampler(trainer, "class-balanced") is trainer
    drawn = np.concatenate([b["labels"].numpy() for b in trainer.get_train_dataloader()])
    assert len(drawn) == 100
    assert 0.35 < float(np.mean(drawn == 1)) < 0.65  # 0.10 without the sampler
    assert isinstance(trainer.train_sampler_, ClassBalancedSampler)
    with pytest.raises(ValueError, match="did you mean 'sqrt'"):
        use_sampler(trainer, "sqr")


def test_dataset_labels_reads_items_and_columns():
    """Check that dataset_labels reads per-item labels and a column mapping, and names a
    missing field."""
    assert dataset_labels(token_rows([1, 0, 1])).tolist() == [1, 0, 1]
    assert dataset_labels({"label": [2, 1]}).tolist() == [2, 1]
    with pytest.raises(KeyError, match="no 'labels' field"):
        dataset_labels([{"input_ids": [1]}])


@pytest.mark.parametrize("loss", ["logit-adjusted", "balanced-softmax"])
@pytest.mark.parametrize("sampler", ["class-balanced", "progressive"])
def test_double_correction_warns(tmp_path, loss, sampler):
    """Check that a balanced sampler with a prior-correcting loss warns, naming the fix."""
    with pytest.warns(DoubleCorrectionWarning, match="corrects for the class prior"):
        ImbalancedTrainer(model=tiny_model(2), args=training_args(tmp_path, max_steps=1),
                          train_dataset=token_rows(SKEWED), loss=loss, sampler=sampler)


def test_double_correction_silent_for_sound_pairs_and_warns_in_use_sampler(tmp_path):
    """Check that CE + balanced sampler and logit-adjusted + sqrt do not warn, and that
    use_sampler warns for a stock Trainer whose compute_loss_func corrects the prior."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", DoubleCorrectionWarning)
        ImbalancedTrainer(model=tiny_model(2), args=training_args(tmp_path, max_steps=1),
                          train_dataset=token_rows(SKEWED), loss="ce", sampler="class-balanced")
        ImbalancedTrainer(model=tiny_model(2), args=training_args(tmp_path, max_steps=1),
                          train_dataset=token_rows(SKEWED), loss="logit-adjusted",
                          sampler="sqrt")
    trainer = Trainer(model=tiny_model(2), args=training_args(tmp_path, max_steps=1),
                      train_dataset=token_rows(SKEWED),
                      compute_loss_func=TrainerLoss("balanced-softmax", class_counts=[90, 10]))
    with pytest.warns(DoubleCorrectionWarning, match="balanced-softmax"):
        use_sampler(trainer, "class-balanced")


# -- callbacks -----------------------------------------------------------------------------------

def test_drw_callback_switches_weights_in_training(tmp_path):
    """Check that drw= turns the LDAM loss's class weights on at the scheduled epoch of a real
    run, with the weights of drw_weights."""
    rows = token_rows([0] * 12 + [1] * 4)
    trainer = ImbalancedTrainer(model=tiny_model(2), args=training_args(
        tmp_path, num_train_epochs=4, per_device_train_batch_size=8),
        train_dataset=rows, loss="ldam", drw=0.5)
    assert trainer.loss_.criterion.weight is None
    trainer.train()
    callback = next(c for c in trainer.callback_handler.callbacks
                    if type(c).__name__ == "DRWCallback")
    assert [e for e, _ in callback.history_] == [0, 1, 2, 3]
    assert [w is None for _, w in callback.history_] == [True, True, False, False]
    expected = drw_weights([12, 4], 2, 4, start=0.5).tolist()
    assert callback.history_[2][1] == pytest.approx(expected)
    assert trainer.loss_.criterion.weight.tolist() == pytest.approx(expected)


def test_progressive_sampling_callback_moves_to_balanced(tmp_path):
    """Check that the progressive sampler, told the epoch by the callback, draws the rare class
    more often epoch after epoch and reaches class balance."""
    callback = ProgressiveSamplingCallback()
    trainer = ImbalancedTrainer(model=tiny_model(2), args=training_args(
        tmp_path, num_train_epochs=3, per_device_train_batch_size=25),
        train_dataset=token_rows(SKEWED), sampler="progressive",
        sampler_params={"n_epochs": 2}, callbacks=[callback])
    trainer.train()
    rare = [p[1] for _, p in callback.history_]
    assert [e for e, _ in callback.history_] == [0, 1, 2]
    assert rare == pytest.approx([0.1, 0.3, 0.5])
    assert trainer.train_sampler_ is not None


def test_supported_transformers_version():
    """Check that the installed transformers is in the supported range (>= 4.46)."""
    major, minor = (int(p) for p in transformers.__version__.split(".")[:2])
    assert (major, minor) >= (4, 46)
    assert trainer_module.HAS_COMPUTE_LOSS_FUNC
