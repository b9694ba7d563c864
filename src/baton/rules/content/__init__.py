"""Pure rules of the sales-tools library: vocabulary, files, Markdown, search text, ranking."""
