"""Train notebook 3's section-5 variants (LSTM, GRU, BiLSTM with 64 units, and the LSTM with
128; 3 seeds each) and store their test predictions, which the notebook reads.

    python scripts/run_emojify_variants.py                 # -> results/emojify_variants.json
    python scripts/run_emojify_variants.py --seeds 1 --epochs 2 --out build/quick.json

The models use the notebook's own ``sentences_to_indices`` and ``pretrained_embedding_layer``
(their generated copies in ``helpers/instructor/graded/emojify.py``; run ``make export`` after
editing the notebook). About five minutes on two cores. Only the full configuration (no
``--kinds`` / ``--wide`` / ``--seeds`` / ``--epochs``) matches what the notebook expects.
"""
import argparse
import dataclasses
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before TensorFlow loads

from helpers.emojify.variants import FULL, KINDS, RESULTS, run_variants, save_variants  # noqa: E402


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(FULL.kinds))
    parser.add_argument("--wide", nargs="*", choices=KINDS, default=list(FULL.wide),
                        help=f"kinds also trained with {FULL.wide_units} units (none: give no value)")
    parser.add_argument("--seeds", nargs="+", type=int, default=list(FULL.seeds))
    parser.add_argument("--epochs", type=int, default=FULL.epochs)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error(f"--epochs must be at least 1, got {args.epochs}")
    import keras

    from helpers.instructor.graded.emojify import pretrained_embedding_layer, sentences_to_indices

    keras.utils.disable_interactive_logging()
    config = dataclasses.replace(FULL, kinds=tuple(args.kinds), wide=tuple(args.wide),
                                 seeds=tuple(args.seeds), epochs=args.epochs)
    log = lambda text: print(f"{time.strftime('%H:%M:%S')} {text}", flush=True)  # noqa: E731
    results = run_variants(config, sentences_to_indices, pretrained_embedding_layer, log=log)
    results["command"] = " ".join(["python scripts/run_emojify_variants.py", *argv])
    path = save_variants(results, args.out)
    log(f"wrote {path} ({results['seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
