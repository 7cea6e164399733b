"""Load a trained TensorFlow model of Rasa for prediction without a training step.

Rasa 3.6.21's ``RasaModel.load`` builds the network by compiling it and
*fitting* it on one example, then overwrites the weights with the trained
ones. The fit traces Rasa's whole training graph (losses, gradients, the
optimiser) only to create variables of the right size: for DIET the fit added
about 600 MB to the Rasa process, for a graph a server that only predicts
never runs (the process's peak is about 500 MB lower without it).

``install()`` builds the same variables with one eager prediction instead,
restores the trained weights (the optimiser's saved state is skipped), then
prepares and traces prediction with those weights, as Rasa does. The
predictions are the same to the last bit (``tests/unit/test_model_loading.py``).
A load for fine-tuning, or without a prediction example, keeps Rasa's own way.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from supervisor.rasa_version import require_patched_version


def load_for_prediction(cls: Any, model_file_name: str, model_data_example: Any,
                        predict_data_example: Optional[Any] = None, finetune_mode: bool = False,
                        *args: Any, rasa_load: Callable[..., Any], **kwargs: Any) -> Any:
    """``cls`` with the weights of ``model_file_name``, ready to predict; Rasa's load if it must train."""
    if finetune_mode or predict_data_example is None:
        return rasa_load(cls, model_file_name, model_data_example, predict_data_example,
                         finetune_mode, *args, **kwargs)
    from rasa.utils.tensorflow.constants import RUN_EAGERLY

    model = cls(*args, **kwargs)
    model.run_eagerly = True
    model.run_inference(predict_data_example)  # creates the variables, traces nothing
    model.load_weights(model_file_name).expect_partial()  # no optimiser: its state is not read
    model.run_eagerly = kwargs.get("config", {}).get(RUN_EAGERLY)  # what Rasa's compile sets
    # Rasa caches the label embeddings on the first prediction: compute them again
    # from the trained weights, and trace the prediction graph only now.
    model.prepare_for_predict()
    model._tf_predict_step = None
    model.run_inference(predict_data_example)
    return model


def install(rasa_version: str | None = None) -> None:
    """Patch ``RasaModel.load`` in this process (Rasa 3.6.21 only)."""
    from rasa.utils.tensorflow.models import RasaModel

    require_patched_version("supervisor.model_loading", rasa_version)
    rasa_load = RasaModel.load.__func__

    def load(cls: Any, *args: Any, **kwargs: Any) -> Any:
        return load_for_prediction(cls, *args, rasa_load=rasa_load, **kwargs)

    RasaModel.load = classmethod(load)  # type: ignore[method-assign, assignment]
