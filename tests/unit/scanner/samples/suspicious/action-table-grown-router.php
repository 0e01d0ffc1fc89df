<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// The same dispatcher, but the table takes an entry from the request: the visitor can name
// the file included (local file inclusion, a hole).
$actions = array('display' => array('display.php', 'show_index'));
$actions['custom'] = array($_GET['file'], 'show_custom');
require_once('./sources/' . $actions[$_REQUEST['action']][0]);
