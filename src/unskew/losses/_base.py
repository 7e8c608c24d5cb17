"""The one base class of the loss modules: plain constructor values in, float32 buffers held."""

from __future__ import annotations

from torch import nn

from .._utils._validation import check_number
from ._validation import as_float_vector, is_scalar


class _ImbalanceLoss(nn.Module):
    """Base of the loss modules: per-class buffers and a ``set_weight`` for schedules such as DRW.

    Buffers are not persistent: a loss's state is its constructor arguments (as in kornia), so
    ``state_dict()`` stays empty and a checkpoint never disagrees with the counts it was built from.
    """

    def _vector_buffer(self, name: str, values) -> None:
        """Register ``values`` (None, sequence, array or tensor) as a float32 buffer ``name``."""
        vec = None if values is None else as_float_vector(values, name, type(self).__name__)
        self.register_buffer(name, vec, persistent=False)

    def set_weight(self, weight) -> None:
        """Replace the per-class ``weight`` (or drop it with ``None``), e.g. for deferred re-weighting.

        The new weight goes to the device of the module's other buffers (or of the old weight),
        so it can be called after ``.to(device)``.

        Parameters
        ----------
        weight : None, sequence of float or Tensor of shape (n_classes,)
            The new class weights, as returned by :func:`unskew.losses.drw_weights`.
        """
        if "weight" not in self._buffers:
            raise AttributeError(f"{type(self).__name__} has no per-class weight to set")
        if weight is None:
            self.weight = None
            return
        vec = as_float_vector(weight, "weight", f"{type(self).__name__}.set_weight")
        anchor = next((b for b in self.buffers() if b is not None), None)
        if anchor is not None:
            vec = vec.to(anchor.device)
        self.weight = vec

    def extra_repr(self) -> str:
        parts = []
        for key, value in vars(self).items():
            if not key.startswith("_") and key != "training":
                parts.append(f"{key}={value!r}")
        for key, buf in self._buffers.items():
            if buf is not None:
                shown = [round(v, 4) for v in buf.tolist()[:6]]
                parts.append(f"{key}={shown}{'...' if buf.numel() > 6 else ''}")
        return ", ".join(parts)


def as_module_scalar_or_vector(module: _ImbalanceLoss, name: str, value, *,
                               low: float = 0.0) -> None:
    """Store ``value`` on ``module`` as a checked float / None, or as a per-class buffer."""
    if value is None:
        setattr(module, name, None)
    elif is_scalar(value):
        setattr(module, name, check_number(float(value), name, type(module).__name__, low=low))
    else:
        module._vector_buffer(name, value)
