"""The sales-tools library: items and versions, files, search, recommendations, feedback."""
