"""A Piper voice model cut in two, so its decoder can render a sentence a slice at a time.

    python -m local_voice.piper_split MODEL.onnx FOLDER

Most of a render's memory is the decoder's (HiFi-GAN) activations, about 17 MB a second of speech,
all alive at once when the model runs whole. The decoder is convolutional: given the latent frames
`z` that the rest of the model computes (text encoder, durations, flow: a small tensor, 192 values
a frame), any slice of frames can be decoded alone, and with 16 frames of context either side the
slice's middle is the same as in the whole (measured: largest difference 6e-7 of full scale; 32
frames give identical samples). So we keep two models: `front.onnx` (inputs as the voice's, output
`z`) and `decoder.onnx` (`z` to audio), cut with the `onnx` package (Apache-2.0) once per voice in
a separate process (it holds the whole model in memory a while), beside the model when that folder
is writable, else in the user cache. `piper_onnx.py` uses the cut when it exists and the whole
model until then. The cut is found by name: the decoder's nodes are "/dec/..." in Piper's export,
fed by one tensor from outside; a model exported otherwise is simply not cut.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

FRONT, DECODER, DONE = "front.onnx", "decoder.onnx", "cut.json"
_started: set[str] = set()
_started_lock = threading.Lock()


def folder_for(model: Path) -> Path:
    """Where the cut of this model file lives (its size and time in the name: a new file, a new cut)."""
    stat = model.stat()
    name = f"{model.name[:-5] if model.name.endswith('.onnx') else model.name}-{stat.st_size}-{int(stat.st_mtime)}"
    if os.access(model.parent, os.W_OK):
        return model.parent / ".closer-cut" / name
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("closer-together", appauthor=False)) / "piper-cut" / name


def cut_of(model: Path) -> tuple[Path, Path, str] | None:
    """(front model, decoder model, the decoder's input name) when the cut exists."""
    try:
        folder = folder_for(model)
        done = json.loads((folder / DONE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    front, decoder = folder / FRONT, folder / DECODER
    return (front, decoder, done["decoder_input"]) if front.exists() and decoder.exists() else None


def make_cut(model: Path, wait: bool = False) -> bool:
    """Cut the model in a separate process: in the background once per model and process, or (wait)
    now. True when the cut exists afterwards (wait) or was started."""
    if cut_of(model):
        return True
    with _started_lock:
        if str(model) in _started and not wait:
            return True
        _started.add(str(model))
    command = [sys.executable, "-m", "local_voice.piper_split", str(model), str(folder_for(model))]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(Path(__file__).resolve().parent.parent),
                                                                    os.environ.get("PYTHONPATH")])))
    try:
        if wait:
            subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
            return cut_of(model) is not None
        subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True, preexec_fn=lambda: os.nice(10))
        return True
    except (OSError, subprocess.TimeoutExpired):
        return False


def decoder_input(graph) -> str | None:
    """The one tensor from outside that the decoder's nodes ("/dec/...") read, or None."""
    produced = {out: node.name for node in graph.node for out in node.output}
    weights = {w.name for w in graph.initializer}
    outside = {name for node in graph.node if node.name.startswith("/dec/") for name in node.input
               if name and name not in weights and not produced.get(name, "").startswith("/dec/")}
    return outside.pop() if len(outside) == 1 else None


def main(argv: list[str]) -> int:
    import onnx
    import onnx.utils

    model, folder = Path(argv[0]), Path(argv[1])
    graph = onnx.load(str(model)).graph
    cut_at = decoder_input(graph)
    if cut_at is None:
        print(f"{model}: no decoder found to cut at", file=sys.stderr)
        return 1
    inputs = [i.name for i in graph.input]
    outputs = [o.name for o in graph.output]
    del graph
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:  # renamed into place: a half-written cut is never used
        onnx.utils.extract_model(str(model), f"{tmp}/{FRONT}", inputs, [cut_at], check_model=False)
        onnx.utils.extract_model(str(model), f"{tmp}/{DECODER}", [cut_at], outputs[:1], check_model=False)
        os.replace(f"{tmp}/{FRONT}", folder / FRONT)
        os.replace(f"{tmp}/{DECODER}", folder / DECODER)
    (folder / DONE).write_text(json.dumps({"decoder_input": cut_at, "model": str(model)}), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
