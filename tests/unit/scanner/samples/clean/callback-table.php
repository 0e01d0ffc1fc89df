<?php
// A list sorted by a comparison chosen from a table by the request.
$compare = ['name' => 'strcmp', 'name_ci' => 'strcasecmp', 'natural' => 'strnatcmp'];
$fn = $compare[$_GET['sort'] ?? 'name'] ?? 'strcmp';
$items = ['b', 'A', 'c10', 'c9'];
usort($items, $fn);
echo implode(', ', array_map('htmlspecialchars', $items));
