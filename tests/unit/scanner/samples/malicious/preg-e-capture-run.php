<?php
// the whole query string is captured and the replacement runs it
echo preg_replace('/(.*)/e', '\\1', $_SERVER['QUERY_STRING']);
