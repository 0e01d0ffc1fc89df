<?php
// keeps the tags that look like words and drops the others (the "e" is in the class, not a
// modifier; /u and /i are)
$tags = isset($_GET['tags']) ? explode(',', (string) $_GET['tags']) : [];
$words = preg_filter('/^\s*([a-z0-9e-]+)\s*$/iu', '$1', $tags);
echo htmlspecialchars(implode(', ', $words));
