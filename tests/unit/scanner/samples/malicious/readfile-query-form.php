<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
if (!empty($_GET['doc'])) { readfile(trim($_GET['doc'])); exit; }
echo "<form><input name=doc size=60><button>open</button></form>";
