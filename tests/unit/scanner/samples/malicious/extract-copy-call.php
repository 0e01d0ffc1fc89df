<?php
// a copy of the request array made into variables: $fn and $arg come from the visitor
$in = $_GET;
extract($in);
$fn($arg);
