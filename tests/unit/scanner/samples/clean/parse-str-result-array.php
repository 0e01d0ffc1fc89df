<?php
// test fixture: a site's own code parses query strings into arrays it names, and parses a
// fixed default string into variables: no posted field becomes a variable
$defaults = 'page=1&per_page=20';
parse_str($defaults);
$query = isset($_SERVER['QUERY_STRING']) ? $_SERVER['QUERY_STRING'] : '';
parse_str($query, $params);
$back = http_build_query($_GET);
parse_str($back, $again);
$page = isset($params['page']) ? (int) $params['page'] : $page;
echo htmlspecialchars('Page ' . $page . ' of results, ' . count($again) . ' filters');
