"""Text segmentation: sentence splitting (for rougeLsum and extractive
summarizers) and ROUGE word tokenizers, chosen by name (``registry``).

Kept empty of imports: the splitter is imported by light modules, and the word
tokenizers pull in rouge-score and NLTK."""
