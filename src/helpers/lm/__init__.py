"""The tiny language model: tokenizer, model, supervised fine-tuning and sampling."""
