"""What a run leaves behind: the JSON document, the HTML rendered from it, the terminal summary, where
report files go, the index across versions, plots and page templates."""
