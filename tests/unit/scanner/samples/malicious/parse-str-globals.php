<?php
// the query string turned into variables, then one called with another (written for the tests)
parse_str($_SERVER['QUERY_STRING']);
$a($b);
