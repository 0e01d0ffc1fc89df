<?php
// A form handler: the posted fields are copied into an array, checked, and given to the
// handler chosen from the page's own table.
$fields = array();
foreach ($_POST as $key => $value) { $fields[$key] = trim($value); }
list($first, $last) = array_values(array('first' => 'Ada', 'last' => 'Lovelace'));
$handlers = array('contact' => 'save_contact', 'order' => 'save_order');
$handler = isset($handlers[$_GET['form'] ?? '']) ? $handlers[$_GET['form']] : 'save_contact';
$handler($fields);
