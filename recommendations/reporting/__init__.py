"""Reports the leadership reads: figures as of a date from the history (``asof``), the official
report (``docx``), the same tables as spreadsheets (``xlsx``, ``csv``), the task that builds
them (``tasks``) and the pages (``views``)."""
