"""A character-level tokenizer, built in code as a ``transformers`` fast tokenizer.

Every notebook of the book uses it: one token per character, so a prompt such as
``^A37=`` is five tokens and the model's vocabulary stays tiny (about 60 symbols).
Because it is a real :class:`~transformers.PreTrainedTokenizerFast`, TRL's trainers
and ``model.generate`` accept it unchanged, and nothing is downloaded.
"""

from __future__ import annotations

import string

from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers
from transformers import PreTrainedTokenizerFast

PAD, EOS, UNK = "<pad>", "<eos>", "<unk>"
SPECIAL_TOKENS: tuple[str, ...] = (PAD, EOS, UNK)

#: The characters every task of the book writes with: digits, upper- and lower-case
#: letters and a few punctuation marks used as separators and markers.
DEFAULT_ALPHABET: str = string.digits + string.ascii_uppercase + string.ascii_lowercase + "^=;?!#>+-*|:()[]_.,"


def build_char_tokenizer(alphabet: str = DEFAULT_ALPHABET) -> PreTrainedTokenizerFast:
    """Build a character-level fast tokenizer over ``alphabet``.

    Ids 0-2 are ``<pad>``, ``<eos>`` and ``<unk>``; the characters follow in the
    order given. Padding is on the left (what generation wants); no special tokens
    are added on encode, so a completion's tokens are exactly its characters.

    >>> tok = build_char_tokenizer("ab")
    >>> tok("abba")["input_ids"]
    [3, 4, 4, 3]
    """
    if len(set(alphabet)) != len(alphabet):
        raise ValueError("alphabet has repeated characters")
    vocab = {token: i for i, token in enumerate(SPECIAL_TOKENS)}
    for ch in alphabet:
        vocab[ch] = len(vocab)
    core = Tokenizer(models.WordLevel(vocab=vocab, unk_token=UNK))
    core.pre_tokenizer = pre_tokenizers.Split(Regex("."), behavior="isolated")
    core.decoder = decoders.Fuse()  # decode "9;7", not "9 ; 7"
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=core,
        pad_token=PAD,
        eos_token=EOS,
        unk_token=UNK,
        padding_side="left",
        clean_up_tokenization_spaces=False,
    )
    return tokenizer
