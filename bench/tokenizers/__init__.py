"""Text segmentation: sentence splitting (for rougeLsum and extractive
summarizers) and ROUGE word tokenizers."""
