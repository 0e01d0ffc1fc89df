<?php
// a help page that links to a public BIN list; it reads no card and fetches nothing
$topic = htmlspecialchars($_GET['topic'] ?? 'cards');
echo "<p>Card ranges ($topic): see <a href=\"https://binlist.net/\">binlist.net</a>.</p>";
